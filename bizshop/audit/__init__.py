"""The audit log (감사 로그), written by accounts and partners alike."""
