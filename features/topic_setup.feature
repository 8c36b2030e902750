Feature: The topic bootstrap (kafka_topic_setup) passes against the KRaft broker

  @static
  Scenario: kafka_topic_setup waits for a healthy Kafka and has a manifest
    Given the "infrastructure" layering of the target
    Then service "kafka_topic_setup" waits for service "kafka" to be healthy
    And the topics manifest lists at least one valid topic

  @runtime @changes-stack
  Scenario: kafka_topic_setup creates every manifest topic, and a second run passes too
    Given the running stack
    When service "kafka_topic_setup" runs to completion
    Then it exited 0 within 120 s
    And a Kafka client at "localhost:9093" finds every manifest topic with its partition count
    When service "kafka_topic_setup" runs to completion
    Then it exited 0 within 120 s

  @runtime @attach
  Scenario: Every manifest topic exists on the deployed broker
    Given the running stack
    Then a Kafka client at "localhost:9093" finds every manifest topic with its partition count
