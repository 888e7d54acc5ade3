"""Running the compiled rules on one snapshot and recording every firing with the values it matched."""
