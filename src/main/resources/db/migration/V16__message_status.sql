-- An agent's answer in a channel is written while it is produced (PROTOCOL §7.1): the message is
-- stored at once with status "streaming", its content replaced as the text grows, and ends
-- "complete" or "failed". NULL: a message that was never streamed (the frame's own status, if any,
-- stands). The text so far is what history and a client resuming mid-answer see.
ALTER TABLE messages ADD COLUMN status text;
