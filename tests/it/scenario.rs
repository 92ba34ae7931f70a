// scenario tests: written by the scenario helper
