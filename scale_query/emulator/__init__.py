"""The embedded Scal-e datamart emulator (in progress)."""
