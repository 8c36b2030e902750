Feature: Hemma layering follows the shared infrastructure model
  Hemma uses the shared observability stack, the shared hule-network and
  the shared database (shared-postgres).

  @static @hemma
  Scenario: Hemma brings no observability stack of its own
    Given the "hemma" layering of the target
    Then it brings no observability service of its own

  @static @hemma
  Scenario: Hemma services join the external shared network
    Given the "hemma" layering of the target
    Then network "hule-network" is external
    And services "kafka, redis" join network "hule-network"

  @static @hemma
  Scenario: Hemma runs no database of its own
    Given the "hemma" layering of the target
    Then it runs no database of its own, and says which services use the shared one
