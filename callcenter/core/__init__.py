"""What every feature stands on: configuration, logging, pacing, the database engine and
migration glue, the web application shell (errors, languages), the AMI link."""
