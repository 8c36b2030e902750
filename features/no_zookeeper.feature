Feature: Kafka and Redis come up without ZooKeeper
  `docker compose up -d kafka redis` succeeds with no ZooKeeper required:
  no ZooKeeper service, image, env (KAFKA_ZOOKEEPER_CONNECT), depends_on or
  port 2181 anywhere in the resolved compose model.

  @static
  Scenario: No ZooKeeper in the infrastructure layering
    Given the "infrastructure" layering of the target
    Then nothing in it is, needs or publishes ZooKeeper

  @static @hemma
  Scenario: No ZooKeeper in the Hemma layering
    Given the "hemma" layering of the target
    Then nothing in it is, needs or publishes ZooKeeper

  @runtime
  Scenario: docker compose up -d kafka redis starts the stack with no ZooKeeper
    Given the stack started by `docker compose up -d kafka redis`
    Then no container of the project runs a ZooKeeper image
    And no container of the project listens on port 2181
