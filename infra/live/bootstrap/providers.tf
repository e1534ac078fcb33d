provider "aws" {
  region = var.region

  default_tags {
    tags = {
      env           = "shared"
      region        = var.region
      owner         = var.owner
      "cost-center" = var.cost_center
      managed-by    = "opentofu"
      stack         = "bootstrap"
    }
  }
}
