provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      env           = var.environment
      region        = var.region
      owner         = var.owner
      "cost-center" = var.cost_center
      managed-by    = "opentofu"
    }
  }
}
