Feature: The topic bootstrap (kafka_topic_setup) passes against the KRaft broker
  # The bootstrap is a compose service (kafka_topic_setup, or the target's
  # [bootstrap] service), a command on the host ([bootstrap] command), or
  # none (the applications create their topics). Its topics come from a
  # manifest (named in kraft-acceptance.toml, or the one file mounted into the
  # bootstrap that parses as one) or from its own code; without a manifest the
  # broker's state before and after tells.

  @static @bootstrap-service
  Scenario: kafka_topic_setup waits for a healthy Kafka
    Given the "infrastructure" layering of the target
    Then service "kafka_topic_setup" waits for service "kafka" to be healthy

  @static
  Scenario: The topics manifest, if the target has one, lists at least one valid topic
    Given the "infrastructure" layering of the target
    Then its topics manifest, if it has one, lists at least one valid topic

  @runtime @changes-stack @bootstrap
  Scenario: kafka_topic_setup creates its topics, and a second run changes nothing
    Given the running stack
    And the broker's topics at "localhost:9093" before the bootstrap, when it has no manifest
    When the topic bootstrap runs to completion
    Then it exited 0 within 120 s
    And a Kafka client at "localhost:9093" finds the bootstrap's topics
    When the topic bootstrap runs to completion
    Then it exited 0 within 120 s
    And a Kafka client at "localhost:9093" finds no topic changed by the second run

  @runtime @attach @manifest
  Scenario: Every manifest topic exists on the deployed broker
    Given the running stack
    Then a Kafka client at "localhost:9093" finds every manifest topic with its partition count
