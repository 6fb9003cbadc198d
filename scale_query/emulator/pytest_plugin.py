"""pytest plugin of the embedded emulator (filled in by the emulator work)."""
