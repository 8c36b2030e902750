Feature: Hemma layering follows the shared infrastructure model
  Hemma uses the shared observability stack and the shared hule-network.

  @static @hemma
  Scenario: Hemma brings no observability stack of its own
    Given the "hemma" layering of the target
    Then it brings no observability service of its own

  @static @hemma
  Scenario: Hemma services join the external shared network
    Given the "hemma" layering of the target
    Then network "hule-network" is external
    And services "kafka, redis" join network "hule-network"
