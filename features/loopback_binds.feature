Feature: Kafka and Redis host ports bind to 127.0.0.1 only
  The whole set of host bindings, IPv4 and IPv6: a binding without a host IP
  is every interface, "::" is every IPv6 interface.

  @static
  Scenario: Infrastructure layering publishes Kafka and Redis on 127.0.0.1 only
    Given the "infrastructure" layering of the target
    Then every port published by service "kafka" binds host IP 127.0.0.1 only
    And every port published by service "redis" binds host IP 127.0.0.1 only

  @static @hemma
  Scenario: Hemma layering publishes Kafka and Redis on 127.0.0.1 only
    Given the "hemma" layering of the target
    Then every port published by service "kafka" binds host IP 127.0.0.1 only
    And every port published by service "redis" binds host IP 127.0.0.1 only

  @static @hemma
  Scenario: On Hemma only the reverse proxy publishes on a public interface
    Given the "hemma" layering of the target
    Then only the allowed public services publish on a non-loopback address

  @runtime
  Scenario: The engine publishes Kafka and Redis on 127.0.0.1 only
    Given the running stack
    Then the engine publishes service "kafka" on 127.0.0.1 only
    And the engine publishes service "redis" on 127.0.0.1 only

  @runtime
  Scenario: Host sockets for Kafka and Redis ports listen on 127.0.0.1 only
    Given the running stack
    Then the host's listening sockets on the ports of service "kafka" are on 127.0.0.1 only
    And the host's listening sockets on the ports of service "redis" are on 127.0.0.1 only
    And inside service "kafka" something listens on the port of every advertised listener

  @runtime @neighbour
  Scenario: No neighbour on the LAN reaches Kafka or Redis
    A binding says where a port is published; a neighbour says where it can
    be reached. A test host joined to this host by a veth pair tries every
    published port the way an attacker on the same L2 segment would.
    Given the running stack
    When a test host on the LAN tries every port that services "kafka, redis" publish
    Then no path from the test host reaches services "kafka, redis"
