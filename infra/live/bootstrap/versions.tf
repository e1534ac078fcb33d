terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Bootstrap creates the bucket every other root keeps its state in, so its
  # own state starts local. After the first apply, move it into the bucket it
  # made (README: "Moving bootstrap's own state").
}
