-- Reserved: migration 0016 belongs to work merged in parallel with issue 16's (which
-- was given 0018). This empty file keeps the numbers without gaps on that branch alone;
-- delete it when the real 0016 is merged (two files numbered 0016 fail loudly at start).
SELECT 1;
