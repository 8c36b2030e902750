Feature: A Kafka cluster keeps serving when it loses a node
  A KRaft cluster runs several nodes so that it outlives one: the voters
  left elect a new quorum leader, a lost broker's partitions move to their
  other replicas, and producers with acks=all and committed consumer groups
  carry on. Nodes are lost as a host failure loses them (SIGKILL, no
  controlled shutdown). The clients here bootstrap from every running
  broker's address, as a cluster's clients are configured. A cluster that
  cannot lose a node (two voters, one replica, min.insync.replicas equal to
  the replication factor) fails with what the broker answered.

  @runtime @recreates @failover
  Scenario: The cluster keeps serving with its quorum leader's node and a broker lost
    Given the running stack
    When a topic with a partition on every broker holds a round of records its consumer group committed
    And the quorum leader's node, and a broker when that node is not one, are killed as a host failure does
    Then the voters still running elect a new quorum leader
    And a round of records produced with acks=all is consumed and committed in the group from the host, through every running broker's host address
    And a round of records produced with acks=all is consumed and committed in the group inside the compose network, through every running broker's internal address
    When the killed nodes are started again
    Then every node is healthy again, and every round's record and the group's committed offsets are kept
