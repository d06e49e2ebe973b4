"""The holiday calendar every deadline is counted on: shipped years plus years operators load."""
