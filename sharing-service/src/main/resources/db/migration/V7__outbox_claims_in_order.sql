-- The relay claims a destination's messages in seq order, which outbox_pending (destination, seq) gives, as in
-- intake-service. The unique index on seq only cost: every insert maintained it, and a plan that walked it would
-- step over the messages of any other destination. seq comes from an identity column; nothing looks a message up
-- by it.
ALTER TABLE outbox_message DROP CONSTRAINT outbox_message_seq_key;
