#Prints the R reference numbers that tests / models / arima_golden_test.cc and arima_test.cc
#embed.R 4.2.2, forecast 8.20, urca 1.3. Run : Rscript tests / models / arima_golden.R
suppressPackageStartupMessages({
  library(forecast);
  library(urca)
}) v < -function(name, x) cat(name, " = {", paste(sprintf("%.17g", as.numeric(x)), collapse = ", "),
                              "};\n", sep = "") fitinfo < -function(tag, f, h, newxreg = NULL) {
  cat("// ", tag, ": ", forecast::
          : arima.string(f), "\n", sep = "") v(paste0(tag, ".coef"), f$coef)
          v(paste0(tag, ".se"), sqrt(diag(f$var.coef)))
              v(paste0(tag, ".stats"), c(f$sigma2, f$loglik, f$aic, f$aicc, f$bic))
                  v(paste0(tag, ".resid_head"), head(residuals(f), 3)) fc <
      -forecast(f, h = h, level = c(80, 95), xreg = newxreg) v(paste0(tag, ".mean"), fc$mean)
          v(paste0(tag, ".lo80"), fc$lower[, 1]);
  v(paste0(tag, ".hi95"), fc$upper[, 2])
}
ap < -AirPassengers fitinfo("air_011_011", Arima(ap, order = c(0, 1, 1), seasonal = c(0, 1, 1)), 12)
         fitinfo("usacc_111_011", Arima(USAccDeaths, order = c(1, 1, 1), seasonal = c(0, 1, 1)), 12)
             fitinfo("usacc_111_011_css",
                     Arima(USAccDeaths, order = c(1, 1, 1), seasonal = c(0, 1, 1), method = "CSS"),
                     12)
                 fitinfo("air_110_drift", Arima(ap, order = c(1, 1, 0), include.drift = TRUE), 12)
                     fitinfo("lh_101", Arima(lh, order = c(1, 0, 1)), 6) t < -1 : 72;
xr < -cbind(trend = t, wave = sin(2 * pi * t / 7)) tf < -73 : 84;
nx < -cbind(trend = tf, wave = sin(2 * pi * tf / 7))
         fitinfo("usacc_xreg",
                 Arima(USAccDeaths, order = c(1, 0, 0), seasonal = c(0, 1, 1), xreg = xr), 12,
                 nx) lx < -cbind(cosine = cos(1 : 48));
lnx < -cbind(cosine = cos(49 : 54))
          fitinfo("lh_xreg", Arima(lh, order = c(1, 0, 0), xreg = lx), 6, lnx) apna < -ap;
apna[c(5, 40, 41, 77, 139, 144)] <
    -NA fitinfo("airna_011_011", Arima(apna, order = c(0, 1, 1), seasonal = c(0, 1, 1)), 12) a <
    -auto.arima(USAccDeaths, xreg = cbind(wave = sin(2 * pi * t / 7)))
         fitinfo("auto_usacc_xreg", a, 12, cbind(wave = sin(2 * pi * tf / 7)))
#Unit tests
             cat("// kpss\n")
                 v("kpss_air",
                   c(ur.kpss(ap, type = "mu", use.lag = trunc(3 * sqrt(144) / 13)) @teststat,
                     ur.kpss(diff(ap), type = "mu", use.lag = trunc(3 * sqrt(143) / 13)) @teststat,
                     ur.kpss(lh, type = "mu", use.lag = 4) @teststat))
                     v("ndiffs",
                       c(ndiffs(ap), ndiffs(diff(ap, lag = 12)), ndiffs(lh), ndiffs(log(ap))))
                         v("nsdiffs",
                           c(nsdiffs(ap), nsdiffs(USAccDeaths), nsdiffs(ap, test = "ocsb"),
                             nsdiffs(USAccDeaths, test = "ocsb"),
                             nsdiffs(ts(lh, frequency = 4)))) o <
    -ocsb.test(ap, maxlag = 3, lag.method = "AIC");
v("ocsb_air", c(o$statistics, o$critical, o$lag.order)) o <
    -ocsb.test(USAccDeaths, maxlag = 3, lag.method = "AIC");
v("ocsb_usacc", c(o$statistics, o$critical, o$lag.order))
        v("seas", c(forecast::
                        : seas.heuristic(ap), forecast::
                            : seas.heuristic(USAccDeaths), forecast::
                                : seas.heuristic(apna))) s < -stl(nottem, s.window = 11);
v("stl_nottem_seasonal", s$time.series[c(1, 2, 100, 240), 1]);
v("stl_nottem_trend", s$time.series[c(1, 2, 100, 240), 2]) s <
    -stl(nottem, s.window = 11, robust = TRUE);
v("stl_nottem_robust_trend", s$time.series[c(1, 2, 100, 240), 2])
            v("nainterp_air", na.interp(apna)[c(5, 40, 41, 77, 139, 144)]) fr <
        -function(x) 100 * (x[2] - x[1] * x[1]) ^
    2 + (1 - x[1]) ^ 2 o < -optim(c(-1.2, 1), fr, method = "BFGS");
v("bfgs_rosen", c(o$par, o$value, o$counts)) v("hess_rosen", optimHess(c(0.9, 0.8), fr)) o <
    -optim(c(-1.2, 1), fr, method = "BFGS", control = list(parscale = c(2, 0.5)));
v("bfgs_rosen_scaled", c(o$par, o$value, o$counts))
        v("hess_rosen_scaled", optimHess(c(0.9, 0.8), fr, control = list(parscale = c(2, 0.5)))) m <
    -makeARIMA(c(0.5, -0.2), c(0.4, 0.3, 0.1), numeric(0));
v("q0_arma23", m$Pn)
