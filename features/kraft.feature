Feature: Kafka runs in KRaft mode
  The KRaft settings are coherent by Kafka's own startup rules: roles set,
  node id among the voters, every listener mapped, advertised listeners a
  subset of listeners, no controller listener and no wildcard advertised.

  @static
  Scenario: Kafka's KRaft settings pass Kafka's startup rules
    Given the "infrastructure" layering of the target
    Then service "kafka" passes Kafka's KRaft startup rules

  @runtime @kraft-wire
  Scenario: The broker speaks KRaft on the wire
    Given the running stack
    When a client asks the broker at "localhost:9093" for ApiVersions and DescribeQuorum
    Then ApiVersions lists the finalized feature metadata.version
    And DescribeQuorum answers with a leader
