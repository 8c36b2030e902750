Feature: The stack's images are pullable, supported and multi-arch
  Hemma could not pull bitnami/zookeeper ("manifest unknown"); ADR-0028 chose
  apache/kafka because it is supported, upstream and multi-arch. These need
  no stack: run them before a deploy, or beside an attached one.

  @static @images
  Scenario: Kafka is the upstream apache/kafka image at a pinned version
    Then every layering runs Kafka from the upstream apache/kafka image at a pinned version

  @static @images
  Scenario: No image of the stack comes from a namespace known to be gone
    Then no image of services "kafka, redis, kafka_topic_setup" comes from a namespace known to be gone

  @registry @images
  Scenario: Every image of the stack resolves in its registry for every required platform
    Then every image of services "kafka, redis, kafka_topic_setup" resolves in its registry for this host and every required platform
