Feature: An upgrade to another Kafka release keeps Kafka's data and metadata
  `verify --upgrade-to VERSION` rehearses the next deploy of Kafka: after
  every other scenario of the run, every Kafka node is recreated at once on
  VERSION's image with its volumes kept, as `docker compose up -d` of the new
  image does. The new broker starts on the old data, and the cluster keeps
  its metadata.version until Kafka's own `kafka-features.sh upgrade`
  finalizes the new release's. What the new release refuses, its broker
  says in its log, and the scenario quotes it. No criterion needs it:
  without --upgrade-to it is not part of a run.

  @runtime @recreates @upgrade
  Scenario: An upgrade keeps Kafka's records, offsets and ids, and finalizes the new metadata.version when asked
    Given the running stack
    When every other scenario has finished, records with known keys are produced to a topic of the upgrade and a consumer group commits partway
    And every Kafka node is recreated on the --upgrade-to version's image, keeping its volumes
    Then the upgrade's records read back at their offsets, and its group's committed offset, the cluster id and the topic ids are unchanged
    And metadata.version stays at its level before the upgrade
    When Kafka's own kafka-features.sh finalizes the new version's latest metadata.version
    Then the broker reports the new version's latest metadata.version as finalized
