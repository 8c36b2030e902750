Feature: Kafka runs in KRaft mode
  The KRaft settings pass Kafka 3.8's own startup validation (KafkaConfig's
  types and validateValues: roles, node id and voters, listeners and their
  protocol map, advertised and controller listeners, the related limits),
  each refusal in Kafka's own words.

  @static
  Scenario: Kafka's KRaft settings pass Kafka's startup rules
    Given the "infrastructure" layering of the target
    Then service "kafka" passes Kafka's KRaft startup rules

  @runtime @kraft-wire
  Scenario: The broker speaks KRaft on the wire
    Given the running stack
    When a client asks the broker at "localhost:9093" for ApiVersions and DescribeQuorum
    Then ApiVersions lists the finalized feature metadata.version
    And DescribeQuorum names the leader and voters of service "kafka"'s settings
