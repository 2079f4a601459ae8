"""The Signal front end, through the signal-cli-rest-api HTTP service."""
