Feature: Kafka runs in KRaft mode
  Each Kafka node's settings pass Kafka's own setup and format, run by the
  node's own image (or, where the engine does not have it, Kafka of the same
  version built here) in a container with no network, as the image runs them
  before its broker starts: the image's scripts, KafkaDockerWrapper setup and
  StorageTool format, with KafkaConfig's whole validation. A refusal is
  Kafka's, in its words. Across the nodes: unique node ids, one voters list
  naming the controllers as they are reached, replication the brokers can
  hold. Attached to a deployment, nothing is started: the running brokers
  passed Kafka's startup, and their server.properties are read.

  @static @kafka-setup
  Scenario: Kafka's KRaft settings pass Kafka's startup rules
    Given the "infrastructure" layering of the target
    Then service "kafka" passes Kafka's KRaft startup rules

  @runtime @kraft-wire
  Scenario: The broker speaks KRaft on the wire
    Given the running stack
    When a client asks the broker at "localhost:9093" for ApiVersions and DescribeQuorum
    Then ApiVersions lists the finalized feature metadata.version
    And DescribeQuorum names the leader and voters of service "kafka"'s settings
