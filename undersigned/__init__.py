"""undersigned: petitions and open letters whose signatories take a risk by signing."""
