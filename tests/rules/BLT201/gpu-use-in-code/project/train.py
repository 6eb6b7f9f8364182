import xgboost

model = xgboost.XGBRegressor(device="cuda")
