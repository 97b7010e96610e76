"""Chaos runs: workers killed, Redis restarted, a refusing or poisoned relay, a beat restarted."""
