# Golden values of tests/models/additive_golden_test.cc: R prophet 1.0 with default settings
# (MAP fit, 1000 uncertainty samples, seed 42), the way ../shared/peers/r_prophet.R runs it, on
#   store_01, store_02 of walmart_store.csv (first 130 of 143 weeks), h = 13;
#   peyton_manning of prophet_daily.csv (all but the last 60 rows), h = 60.
# yhat is predict()'s mean; w80 = hi80 - lo80 from the 10 % / 90 % quantiles of
# predictive_samples(). Usage: Rscript tests/models/additive_golden.R ../shared/peers/data
suppressPackageStartupMessages(library(prophet))
dir <- commandArgs(trailingOnly = TRUE)[1]
run <- function(file, id, h) {
  d <- read.csv(file.path(dir, file), colClasses = c(unique_id = "character", ds = "character"))
  d <- d[d$unique_id == id, ]
  d <- d[order(d$ds), ]
  train <- head(d, nrow(d) - h)
  test <- tail(d, h)
  df <- data.frame(ds = as.POSIXct(train$ds, tz = "UTC"), y = train$y)
  fut <- data.frame(ds = as.POSIXct(test$ds, tz = "UTC"))
  set.seed(42)
  m <- suppressMessages(prophet(df))
  s <- predictive_samples(m, fut)$yhat
  m$uncertainty.samples <- 0
  p <- predict(m, fut)
  q <- t(apply(s, 1, quantile, probs = c(0.1, 0.9)))
  cat(id, "yhat", sprintf("%.6f", p$yhat), "\n")
  cat(id, "w80", sprintf("%.6f", q[, 2] - q[, 1]), "\n")
}
run("walmart_store.csv", "store_01", 13)
run("walmart_store.csv", "store_02", 13)
run("prophet_daily.csv", "peyton_manning", 60)
