"""Run the endpoint on this machine: an embedded AWS emulator and a server that speaks API Gateway's event."""
