terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Partial configuration: bucket, region, kms_key_id and use_lockfile come
  # from infra/live/backend.hcl (written from infra/live/bootstrap's output):
  #   tofu init -backend-config=../../backend.hcl
  backend "s3" {
    key = "dev/us-east-1/terraform.tfstate"
  }
}
