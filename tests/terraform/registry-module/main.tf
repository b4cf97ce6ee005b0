# The registry module takes the definition as its `definition` input and
# the workflow type as `type` (upper-cased by the module).
module "step_function" {
  source  = "terraform-aws-modules/step-functions/aws"
  version = "~> 4.0"

  name = "express-jobs"
  type = "express"

  definition = jsonencode({
    StartAt = "Crawl"
    States = {
      Crawl = {
        Type     = "Task"
        Resource = "arn:aws:states:::glue:startJobRun.sync"
        Parameters = { JobName = "crawl" }
        End = true
      }
    }
  })

  service_integrations = {
    glue_Sync = { glue = true }
  }
}
