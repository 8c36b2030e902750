Feature: The repo's own validators pass
  The migration's own criteria include the repo's validators: pdm run
  validate-docs, validate-tasks and index-tasks. They are the target's
  `validators` in kraft-acceptance.toml, else those of the three that its
  pyproject.toml declares as pdm scripts. Passing is exiting 0; a generator
  such as index-tasks may rewrite its output on every run (a timestamp, a
  set in another order), so a file a validator changes is reported beside it
  as a warning, and fails only a target that asks for a clean tree
  (validators_leave_tree_clean = true).

  @static @validators
  Scenario: The repo's validation commands pass
    When the repo's validation commands run in its directory
    Then each exits 0
    And every file they change is reported, and none is changed where the target asks for a clean tree
