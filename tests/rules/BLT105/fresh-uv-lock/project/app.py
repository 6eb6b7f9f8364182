import used
import heavy
