Feature: The topic bootstrap (kafka_topic_setup) passes against the KRaft broker

  @static
  Scenario: kafka_topic_setup waits for a healthy Kafka and has a manifest
    Given the "infrastructure" layering of the target
    Then service "kafka_topic_setup" waits for service "kafka" to be healthy
    And the topics manifest lists at least one valid topic
