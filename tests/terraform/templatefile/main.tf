# templatefile() with literal vars: `next_state` fills `Next`, so the
# definition is correct as deployed; `fn_arn` is known only at apply time.
resource "aws_sfn_state_machine" "etl" {
  name     = "etl"
  role_arn = aws_iam_role.sfn.arn
  definition = templatefile("${path.module}/etl.json.tftpl", {
    next_state  = "Run"
    max_retries = 2
    fn_arn      = aws_lambda_function.run.arn
  })
}
