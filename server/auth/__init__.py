"""Authentication and access control shared by both transports: who is calling (`policy`), what
they may do (`access`), and which operation needs what (`table`)."""
