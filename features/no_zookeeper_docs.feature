Feature: Docs and scripts no longer reference ZooKeeper for platform infra
  An ADR may tell the history: paths in the allowlist are reported, not failed.

  @static @docs-scan
  Scenario: Docs and scripts mention ZooKeeper only where allowed
    Then the target's docs and scripts mention ZooKeeper only where allowed
