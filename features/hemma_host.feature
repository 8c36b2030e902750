Feature: The Hemma host keeps loopback-only ports loopback-only
  Binding to 127.0.0.1 is only as good as the engine and the host around it.
  The scenarios tagged "host" connect to this host's own non-loopback
  addresses and list its sockets: they run only with --host-checks, on the
  deployment host.

  @hemma @engine
  Scenario: The Docker Engine has no advisory that breaks loopback-only publishing
    Then the Docker Engine's version has no advisory that breaks loopback-only publishing

  @hemma @host @runtime
  Scenario: Kafka and Redis ports are refused on every non-loopback address of this host
    Given the running stack
    Then the host ports of services "kafka, redis" are refused on every non-loopback address of this host

  @hemma @host @runtime
  Scenario: Only allowed public services listen on a non-loopback address of this host
    Given the running stack
    Then every listener on a non-loopback address of this host belongs to an allowed public service
