"""The wire gateway: AWS's HTTP protocols on 127.0.0.1, translated to the emulator's API."""
