-- The relay claims a destination's messages in seq order, which outbox_pending (destination, seq) gives. The unique
-- index on seq gave the same order for every destination at once: a generic plan walked it, stepping over the other
-- destination's messages and the dead rows of all those sent since the last VACUUM, and every insert maintained it.
-- seq comes from an identity column; nothing looks a message up by it.
ALTER TABLE outbox_message DROP CONSTRAINT outbox_message_seq_key;
