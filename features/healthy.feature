Feature: Kafka and Redis become healthy within 60 s

  @static
  Scenario: Kafka and Redis healthchecks can report healthy well within 60 s
    Given the "infrastructure" layering of the target
    Then service "kafka" has a healthcheck that can pass well within 60 s
    And service "redis" has a healthcheck that can pass well within 60 s

  @runtime
  Scenario: Kafka becomes healthy within 60 s of starting
    Given the running stack
    Then service "kafka" becomes healthy within 60 s of its start, by the engine's clock

  @runtime @redis
  Scenario: Redis becomes healthy within 60 s of starting
    Given the running stack
    Then service "redis" becomes healthy within 60 s of its start, by the engine's clock
