# Bad inputs must be rejected by the variable validations, before any plan.

mock_provider "aws" {}

override_resource {
  target = aws_acm_certificate.this
  values = {
    domain_validation_options = [{
      domain_name           = "api.example.com"
      resource_record_name  = "_x.api.example.com."
      resource_record_type  = "CNAME"
      resource_record_value = "_y.acm-validations.aws."
    }]
  }
}

variables {
  name                = "unit"
  domain_name         = "example.com"
  certificate_regions = ["us-east-1"]
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_acm_certificate.this) == 1
    error_message = "The baseline inputs of this file must plan."
  }
}

run "domain_with_trailing_dot_is_rejected" {
  command = plan

  variables {
    domain_name = "example.com."
  }

  expect_failures = [var.domain_name]
}

run "single_label_domain_is_rejected" {
  command = plan

  variables {
    domain_name = "localhost"
  }

  expect_failures = [var.domain_name]
}

run "bad_zone_id_is_rejected" {
  command = plan

  variables {
    existing_zone_id = "example.com"
  }

  expect_failures = [var.existing_zone_id]
}

run "empty_service_name_is_rejected" {
  command = plan

  variables {
    service_record_name = ""
  }

  expect_failures = [var.service_record_name]
}

run "san_outside_the_domain_is_rejected" {
  command = plan

  variables {
    subject_alternative_names = ["api.example.org"]
  }

  expect_failures = [var.subject_alternative_names]
}

run "no_certificate_region_is_rejected" {
  command = plan

  variables {
    certificate_regions = []
  }

  expect_failures = [var.certificate_regions]
}

run "repeated_certificate_region_is_rejected" {
  command = plan

  variables {
    certificate_regions = ["us-east-1", "us-east-1"]
  }

  expect_failures = [var.certificate_regions]
}

run "unknown_key_algorithm_is_rejected" {
  command = plan

  variables {
    certificate_key_algorithm = "RSA_1024"
  }

  expect_failures = [var.certificate_key_algorithm]
}

run "nlb_name_of_another_region_is_rejected" {
  command = plan

  variables {
    endpoints = {
      "us-east-1" = { nlb_dns_name = "unit-nlb-0123.elb.us-west-2.amazonaws.com", nlb_zone_id = "Z26RNL4JYFTOTI" }
    }
  }

  expect_failures = [var.endpoints]
}

run "bad_nlb_zone_id_is_rejected" {
  command = plan

  variables {
    endpoints = {
      "us-east-1" = { nlb_dns_name = "unit-nlb-0123.elb.us-east-1.amazonaws.com", nlb_zone_id = "unit-nlb-0123.elb.us-east-1.amazonaws.com" }
    }
  }

  expect_failures = [var.endpoints]
}

run "endpoint_without_certificate_is_rejected" {
  command = plan

  variables {
    endpoints = {
      "us-west-2" = { nlb_dns_name = "unit-nlb-0123.elb.us-west-2.amazonaws.com", nlb_zone_id = "Z18D5FSROUN65G" }
    }
  }

  expect_failures = [var.endpoints]
}

run "relative_health_path_is_rejected" {
  command = plan

  variables {
    health_check_path = "readyz"
  }

  expect_failures = [var.health_check_path]
}

run "threshold_11_is_rejected" {
  command = plan

  variables {
    health_check_failure_threshold = 11
  }

  expect_failures = [var.health_check_failure_threshold]
}

run "interval_60_is_rejected" {
  command = plan

  variables {
    health_check_request_interval = 60
  }

  expect_failures = [var.health_check_request_interval]
}

run "two_checker_regions_are_rejected" {
  command = plan

  variables {
    health_check_regions = ["us-east-1", "us-west-2"]
  }

  expect_failures = [var.health_check_regions]
}

run "unknown_checker_region_is_rejected" {
  command = plan

  variables {
    health_check_regions = ["us-east-1", "us-west-2", "eu-central-1"]
  }

  expect_failures = [var.health_check_regions]
}

run "caa_without_amazon_is_rejected" {
  command = plan

  variables {
    caa_issuers = ["letsencrypt.org"]
  }

  expect_failures = [var.caa_issuers]
}

run "nine_sans_with_regional_names_are_rejected" {
  command = plan

  variables {
    subject_alternative_names = ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com", "f.example.com", "g.example.com", "h.example.com", "i.example.com"]
  }

  expect_failures = [var.subject_alternative_names]
}

run "nine_sans_without_regional_names_plan" {
  command = plan

  variables {
    regional_record_names     = false
    subject_alternative_names = ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com", "f.example.com", "g.example.com", "h.example.com", "i.example.com"]
  }

  assert {
    condition     = alltrue([for c in aws_acm_certificate.this : length(c.subject_alternative_names) == 9])
    error_message = "Without regional names a certificate may carry 9 SANs (10 names with the service name)."
  }
}
