Feature: The repo's own validators pass
  The migration's own criteria include the repo's validators: pdm run
  validate-docs, validate-tasks and index-tasks. They are the target's
  `validators` in kraft-acceptance.toml, else those of the three that its
  pyproject.toml declares as pdm scripts. index-tasks regenerates an index:
  a passing repo has it current, so no command may change a file.

  @static @validators
  Scenario: The repo's validation commands pass and leave its files unchanged
    When the repo's validation commands run in its directory
    Then each exits 0
    And none changes a file of the repo
