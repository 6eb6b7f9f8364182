import used
