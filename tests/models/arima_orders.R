#Prints, per series of a long CSV(unique_id, ds, y), what R forecast 8.20's auto.arima() selects
#and the tests it runs on the way : seasonal strength(seas.heuristic), nsdiffs, ndiffs, the
#model's orders, coefficients, sigma^2, log-likelihood and AICc. tests/models/arima_auto_test.cc
#embeds its output for the training parts of the peers split(../ shared / peers):
#Rscript tests / models / arima_orders.R / tmp / peers / monthly.split / \
    train.csv 12 monthly_orders.csv
#Rscript tests / models / arima_orders.R / tmp / peers / walmart.split / \
    train.csv 52 walmart_orders.csv
suppressPackageStartupMessages(library(forecast)) args < -commandArgs(trailingOnly = TRUE) train <
    -read.csv(args[1], colClasses = c(unique_id = "character", ds = "character", y = "numeric")) m <
    -as.integer(args[2]);
out < -args[3] train < -train[order(train$unique_id, train$ds), ] sp <
    -split(train$y, train$unique_id) rows < -list() for (uid in names(sp)) {
  y < -ts(sp [[uid]], frequency = m) D < -if (length(y) > 2 * m) nsdiffs(y) else 0 seas <
      -if (length(y) > 2 * m) forecast:: : seas.heuristic(y) else NA dx <
      -if (D > 0) diff(y, lag = m) else y d < -ndiffs(dx) fit < -auto.arima(y) a < -fit$arma cf <
      -paste(sprintf("%s=%.10g", names(fit$coef), fit$coef), collapse = ";") rows [[uid]] <
      -data.frame(uid = uid, seas = seas, D = D, d = d, p = a[1], dd = a[6], q = a[2], P = a[3],
                  DD = a[7], Q = a[4], m = a[5], model = forecast::
                      : arima.string(fit), coef = cf, sigma2 = fit$sigma2, loglik = fit$loglik,
                        aicc = fit$aicc)
}
write.csv(do.call(rbind, rows), out, row.names = FALSE)
