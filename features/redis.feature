Feature: Redis serves host tools on 127.0.0.1:6379

  @runtime @redis
  Scenario: Redis answers PING on 127.0.0.1:6379
    Given the running stack
    Then Redis at "127.0.0.1:6379" answers PING with PONG
