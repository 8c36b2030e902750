Feature: Kafka and Redis become healthy within 60 s

  @static
  Scenario: Kafka and Redis healthchecks can report healthy well within 60 s
    Given the "infrastructure" layering of the target
    Then service "kafka" has a healthcheck that can pass well within 60 s
    And service "redis" has a healthcheck that can pass well within 60 s
