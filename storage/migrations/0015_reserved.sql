-- Reserved: migration 0015 belongs to work merged in parallel with issue 16's (which
-- was given 0018). This empty file keeps the numbers without gaps on that branch alone;
-- delete it when the real 0015 is merged (two files numbered 0015 fail loudly at start).
SELECT 1;
