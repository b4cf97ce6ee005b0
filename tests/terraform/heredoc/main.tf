# The provider's documented form: a heredoc holding JSON, with
# interpolations Terraform fills in. `Wait` has no way out.
resource "aws_sfn_state_machine" "sfn_state_machine" {
  name     = "my-state-machine"
  role_arn = aws_iam_role.iam_for_sfn.arn

  definition = <<EOF
{
  "Comment": "A Hello World example of the Amazon States Language using an AWS Lambda Function",
  "StartAt": "HelloWorld",
  "States": {
    "HelloWorld": {
      "Type": "Task",
      "Resource": "${aws_lambda_function.lambda.arn}",
      "Next": "Wait"
    },
    "Wait": {
      "Type": "Wait",
      "Seconds": ${var.wait_seconds}
    }
  }
}
EOF
}

resource "aws_sfn_state_machine" "indented" {
  name     = "indented"
  role_arn = aws_iam_role.iam_for_sfn.arn
  type     = "EXPRESS"

  definition = <<-EOT
    {
      "StartAt": "Run",
      "States": {
        "Run": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "x"}, "End": true}
      }
    }
  EOT
}
