Feature: Kafka keeps its topics, messages and consumer offsets across a redeploy
  ZooKeeper is gone, so Kafka's own metadata log lives beside its topics, in
  the broker's log directories. A deploy recreates the container (a new
  image, a changed variable, down then up): only what is on a named volume
  or a bind mount survives it. Kafka writes where log.dirs says, whatever is
  mounted at the image's /var/lib/kafka/data.

  @static
  Scenario: Kafka and Redis keep their data on volumes in the infrastructure layering
    Given the "infrastructure" layering of the target
    Then every directory service "kafka" writes is on a named volume or a bind mount
    And service "redis" keeps what it persists on a named volume or a bind mount

  @static @hemma
  Scenario: Kafka and Redis keep their data on volumes in the Hemma layering
    Given the "hemma" layering of the target
    Then every directory service "kafka" writes is on a named volume or a bind mount
    And service "redis" keeps what it persists on a named volume or a bind mount

  @static
  Scenario: Every layering that shares Kafka's storage sets one cluster id
    Then every layering that keeps service "kafka"'s storage on one volume sets one CLUSTER_ID

  @runtime
  Scenario: The running broker writes its log directories to volumes that outlive its container
    Given the running stack
    Then the running service "kafka" writes every log directory to a named volume or a bind mount

  @runtime @recreates
  Scenario: A redeploy keeps Kafka's records, offsets and ids, and Redis's keys
    Given the running stack
    When records with known keys are produced to a topic of the run and a consumer group commits partway
    And the stack is redeployed as a deploy does, with `docker compose up -d --force-recreate kafka redis`
    Then every record reads back at its offset and the group's committed offset is unchanged
    And the cluster id and the topic ids are unchanged, and Redis still holds its key
