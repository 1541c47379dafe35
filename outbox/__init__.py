"""The transactional outbox: tasks written in the transaction that causes them, enqueued on
commit, swept by beat when the broker was down. Every app that notifies goes through it."""
