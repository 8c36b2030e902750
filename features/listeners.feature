Feature: Containers reach Kafka at kafka:9092, host tools at localhost:9093
  A broker answers metadata with the advertised address of the listener a
  client came in through, so each kind of client must be told an address
  it can reach.

  @static
  Scenario: Other containers are told kafka:9092
    Given the "infrastructure" layering of the target
    Then service "kafka" advertises exactly "kafka:9092" on one listener
    And "kafka" resolves to service "kafka" for the other services on its network

  @static
  Scenario: Host tools are told localhost:9093
    Given the "infrastructure" layering of the target
    Then service "kafka" advertises exactly "localhost:9093" on one listener
    And service "kafka" publishes that listener on host port 9093
    And a warning names every other host port of service "kafka" whose listener advertises a name the host cannot resolve
    And every other broker of the cluster advertises its own name on a shared network and a host address published on 127.0.0.1 to its own listener

  @runtime
  Scenario: A host tool at localhost:9093 is told localhost:9093 and can produce and consume
    Given the running stack
    When a Kafka client on the host bootstraps from "localhost:9093"
    Then the brokers it is told are exactly "localhost:9093"
    And its data path works (a produce/consume round trip, read-only offsets when attached)

  @runtime
  Scenario: A container at kafka:9092 is told kafka:9092 and can produce and consume
    Given the running stack
    When a Kafka client inside the compose network, beside service "redis", bootstraps from "kafka:9092"
    Then the brokers it is told are exactly "kafka:9092"
    And its data path works (a produce/consume round trip, read-only offsets when attached)
