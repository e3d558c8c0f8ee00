/**
 * Generates resources/demo/catalog.json: the bilingual demo catalog of a general grocery and
 * convenience store (`npx tsx scripts/make-demo-catalog.ts`). Deterministic: hand-written products,
 * barcodes derived from category and position, costs and stock from a fixed-seed PRNG. Re-running
 * it must reproduce the committed file byte for byte (a unit test checks this).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ean13CheckDigit } from '../src/shared/scale-barcode';

export interface DemoCategory {
  key: string;
  en: string;
  zh: string;
}

export interface DemoProduct {
  sku: string;
  en: string;
  zh: string;
  category: string;
  unit: 'each' | 'kg';
  /** Minor units (cents); per kg for weighed goods. */
  price: number;
  cost: number;
  tax: 'reduced' | 'standard';
  barcodes: string[];
  /** Scale item code of weighed goods (their labels are EAN-13 with prefix 20–29). */
  plu: string | null;
  /** Thousandths: units × 1000, or grams for weighed goods. */
  stock: number;
}

export interface DemoCatalog {
  categories: DemoCategory[];
  products: DemoProduct[];
}

/** [English, Chinese, price in cents, options] */
type Item = [en: string, zh: string, price: number, opts?: { kg?: true; barcode?: string }];

interface CategorySpec extends DemoCategory {
  sku: string;
  /** Made-up 7-digit GS1 company prefix (never 02/04/05, 20–29 or 98/99: restricted ranges). */
  company: string;
  tax: 'reduced' | 'standard';
  /** Typical cost as a share of the price. */
  costShare: number;
  items: Item[];
}

const KG = { kg: true } as const;

const CATEGORIES: CategorySpec[] = [
  {
    key: 'fruit',
    en: 'Fruit & Vegetables',
    zh: '水果蔬菜',
    sku: 'FRU',
    company: '6971234',
    tax: 'reduced',
    costShare: 0.6,
    items: [
      ['Apple (Fuji)', '富士苹果', 399, KG],
      ['Apple (Granny Smith)', '青苹果', 449, KG],
      ['Banana', '香蕉', 199, KG],
      ['Navel Orange', '脐橙', 349, KG],
      ['Ya Pear', '鸭梨', 329, KG],
      ['Red Globe Grapes', '红提', 799, KG],
      ['Tomato', '西红柿', 299, KG],
      ['Potato', '土豆', 149, KG],
      ['Carrot', '胡萝卜', 129, KG],
      ['Onion', '洋葱', 139, KG],
      ['Cucumber', '黄瓜', 249, KG],
      ['Broccoli', '西兰花', 499, KG],
      ['Chinese Cabbage', '大白菜', 119, KG],
      ['Ginger', '生姜', 899, KG],
      ['Lemon', '柠檬', 45],
      ['Avocado', '牛油果', 129],
      ['Mango', '芒果', 149],
      ['Pineapple', '菠萝', 279],
      ['Kiwi Fruit 6-pack', '猕猴桃 6个装', 329],
      ['Strawberries 250g', '草莓 250克', 399],
      ['Blueberries 125g', '蓝莓 125克', 349],
      ['Watermelon (whole)', '整个西瓜', 599],
      ['Iceberg Lettuce', '生菜', 119],
      ['Baby Spinach 200g', '菠菜 200克', 229],
      ['Bok Choy 400g', '上海青 400克', 189],
      ['Garlic 3-pack', '大蒜 3头装', 99],
      ['Sweet Corn 2-pack', '甜玉米 2根装', 179],
      ['Coriander Bunch', '香菜', 79],
      ['Spring Onions Bunch', '小葱', 69],
      ['Cherry Tomatoes 250g', '圣女果 250克', 249],
      ['Button Mushrooms 250g', '白蘑菇 250克', 199],
      ['Red Bell Pepper', '红彩椒', 89],
      ['Sweet Potatoes 1kg Bag', '红薯 1公斤装', 219],
      ['Mandarins 1kg Net', '砂糖橘 1公斤装', 329],
      ['Dragon Fruit', '火龙果', 199],
      ['Coconut', '椰子', 249],
      ['Seedless Grapes 500g', '无籽葡萄 500克', 399],
      ['Hami Melon', '哈密瓜', 349],
      ['Peaches 4-pack', '水蜜桃 4个装', 349],
      ['Aubergine', '茄子', 99],
    ],
  },
  {
    key: 'bakery',
    en: 'Bakery',
    zh: '面包烘焙',
    sku: 'BAK',
    company: '6942001',
    tax: 'reduced',
    costShare: 0.45,
    items: [
      ['White Sandwich Bread 800g', '白吐司面包 800克', 189],
      ['Wholemeal Bread 800g', '全麦面包 800克', 219],
      ['Baguette', '法棍面包', 139],
      ['Butter Croissants 4-pack', '黄油牛角包 4个装', 299],
      ['Chocolate Muffin', '巧克力松饼', 129],
      ['Blueberry Muffin', '蓝莓松饼', 129],
      ['Cinnamon Roll', '肉桂卷', 159],
      ['Milk Bread Rolls 6-pack', '牛奶小餐包 6个装', 249],
      ['Plain Bagels 4-pack', '原味贝果 4个装', 269],
      ['Sourdough Loaf', '酸种面包', 399],
      ['Red Bean Bun', '红豆面包', 119],
      ['Pork Floss Bun', '肉松面包', 149],
      ['Egg Tarts 2-pack', '蛋挞 2个装', 259],
      ['Swiss Roll', '瑞士卷', 329],
      ['Pitta Bread 6-pack', '皮塔饼 6个装', 199],
      ['Tortilla Wraps 8-pack', '墨西哥薄饼 8张装', 249],
      ['Lotus Seed Mooncake', '莲蓉月饼', 599],
      ['Steamed Buns 6-pack', '馒头 6个装', 229],
      ['Sponge Cake', '海绵蛋糕', 349],
      ['Brioche Loaf', '布里欧修面包', 349],
    ],
  },
  {
    key: 'dairy',
    en: 'Dairy & Eggs',
    zh: '乳品蛋类',
    sku: 'DAI',
    company: '6907992',
    tax: 'reduced',
    costShare: 0.7,
    items: [
      ['Whole Milk 1L', '全脂牛奶 1升', 139],
      ['Semi-Skimmed Milk 1L', '低脂牛奶 1升', 135],
      ['Skimmed Milk 1L', '脱脂牛奶 1升', 135],
      ['Whole Milk 2L', '全脂牛奶 2升', 249],
      ['Lactose-Free Milk 1L', '无乳糖牛奶 1升', 189],
      ['Oat Drink 1L', '燕麦奶 1升', 229],
      ['Soy Milk 1L', '豆奶 1升', 169],
      ['Natural Yoghurt 500g', '原味酸奶 500克', 179],
      ['Greek Yoghurt 500g', '希腊酸奶 500克', 299],
      ['Strawberry Yoghurt 4-pack', '草莓酸奶 4杯装', 259],
      ['Drinking Yoghurt 200ml', '酸奶饮品 200毫升', 99],
      ['Salted Butter 250g', '有盐黄油 250克', 299],
      ['Unsalted Butter 250g', '无盐黄油 250克', 299],
      ['Mature Cheddar 200g', '切达奶酪 200克', 329],
      ['Mozzarella 125g', '马苏里拉奶酪 125克', 169],
      ['Cheese Slices 10-pack', '芝士片 10片装', 249],
      ['Cream Cheese 200g', '奶油奶酪 200克', 229],
      ['Parmesan 100g', '帕玛森奶酪 100克', 399],
      ['Whipping Cream 250ml', '淡奶油 250毫升', 219],
      ['Sour Cream 200ml', '酸奶油 200毫升', 149],
      ['Free-Range Eggs 6-pack', '散养鸡蛋 6枚装', 249],
      ['Free-Range Eggs 12-pack', '散养鸡蛋 12枚装', 449],
      ['Large Eggs 10-pack', '鲜鸡蛋 10枚装', 329],
      ['Salted Duck Eggs 6-pack', '咸鸭蛋 6枚装', 399],
      ['Chocolate Milk 250ml', '巧克力牛奶 250毫升', 99],
      ['Condensed Milk 397g', '炼乳 397克', 189],
    ],
  },
  {
    key: 'deli',
    en: 'Deli',
    zh: '熟食冷切',
    sku: 'DEL',
    company: '6925001',
    tax: 'reduced',
    costShare: 0.55,
    items: [
      ['Sliced Ham', '切片火腿', 1299, KG],
      ['Smoked Salmon', '烟熏三文鱼', 3999, KG],
      ['Char Siu Roast Pork', '叉烧肉', 1899, KG],
      ['Gouda Cheese', '高达奶酪', 1599, KG],
      ['Mixed Olives', '什锦橄榄', 1199, KG],
      ['Potato Salad', '土豆沙拉', 699, KG],
      ['Roast Chicken', '烤鸡', 699],
      ['Marinated Chicken Wings 500g', '腌制鸡翅 500克', 449],
      ['Sushi Platter', '寿司拼盘', 599],
      ['Salami 100g', '萨拉米香肠 100克', 279],
      ['Hummus 200g', '鹰嘴豆泥 200克', 199],
      ['Spring Rolls 4-pack', '春卷 4个装', 299],
    ],
  },
  {
    key: 'drinks',
    en: 'Soft Drinks',
    zh: '饮料',
    sku: 'DRK',
    company: '6954321',
    tax: 'standard',
    costShare: 0.55,
    items: [
      ['Still Mineral Water 550ml', '矿泉水 550毫升', 69],
      ['Still Mineral Water 1.5L', '矿泉水 1.5升', 109],
      ['Sparkling Water 500ml', '苏打水 500毫升', 89],
      ['Coca-Cola 330ml Can', '可口可乐 330毫升罐装', 99],
      ['Coca-Cola 1.25L', '可口可乐 1.25升', 189],
      ['Coca-Cola Zero 330ml Can', '零度可口可乐 330毫升罐装', 99],
      ['Sprite 330ml Can', '雪碧 330毫升罐装', 99],
      ['Fanta Orange 330ml Can', '芬达橙味 330毫升罐装', 99],
      ['Orange Juice 1L', '橙汁 1升', 249],
      ['Apple Juice 1L', '苹果汁 1升', 229],
      ['Mango Nectar 1L', '芒果汁 1升', 219],
      ['Coconut Water 330ml', '椰子水 330毫升', 179],
      ['Iced Lemon Tea 500ml', '冰红茶 500毫升', 119],
      ['Green Tea Drink 500ml', '绿茶饮料 500毫升', 119],
      ['Jasmine Tea Drink 500ml', '茉莉清茶 500毫升', 119],
      ['Energy Drink 250ml', '能量饮料 250毫升', 149],
      ['Sports Drink 600ml', '运动饮料 600毫升', 169],
      ['Cola 6 x 330ml Cans', '可乐 6罐装', 549],
      ['Soy Bean Drink 250ml', '豆浆 250毫升', 89],
      ['Herbal Tea Drink 310ml', '凉茶 310毫升', 99],
      ['Sour Plum Drink 500ml', '酸梅汤 500毫升', 129],
      ['Sparkling Lemonade 1L', '柠檬汽水 1升', 159],
      ['Ginger Ale 330ml', '姜汁汽水 330毫升', 119],
      ['Tonic Water 500ml', '汤力水 500毫升', 129],
      ['Still Mineral Water 6 x 1.5L', '矿泉水 1.5升 6瓶装', 549],
      ['Iced Coffee 250ml', '冰咖啡 250毫升', 169],
      ['Milk Tea 350ml', '奶茶 350毫升', 149],
      ['Peach Juice Drink 500ml', '蜜桃汁 500毫升', 129],
      ['Grape Soda 330ml', '葡萄汽水 330毫升', 99],
      ['Vitamin Water 500ml', '维生素水 500毫升', 159],
      ['Walnut Milk Drink 240ml', '核桃乳 240毫升', 99],
      ['Almond Drink 1L', '杏仁奶 1升', 249],
      ['Tomato Juice 1L', '番茄汁 1升', 199],
      ['Cranberry Juice 1L', '蔓越莓汁 1升', 299],
      ['Probiotic Yoghurt Drink 5-pack', '乳酸菌饮品 5瓶装', 249],
      ['Sparkling Apple Juice 750ml', '苹果气泡水 750毫升', 199],
    ],
  },
  {
    key: 'snacks',
    en: 'Snacks & Sweets',
    zh: '零食糖果',
    sku: 'SNK',
    company: '6933456',
    tax: 'reduced',
    costShare: 0.55,
    items: [
      ['Sea Salt Crisps 150g', '原味薯片 150克', 179],
      ['Cheese & Onion Crisps 150g', '洋葱芝士味薯片 150克', 179],
      ['Tortilla Chips 200g', '玉米脆片 200克', 199],
      ['Salted Peanuts 200g', '咸味花生 200克', 149],
      ['Cashew Nuts 150g', '腰果 150克', 349],
      ['Mixed Nuts 200g', '什锦坚果 200克', 399],
      ['Pistachios 150g', '开心果 150克', 399],
      ['Roasted Sunflower Seeds 250g', '瓜子 250克', 189],
      ['Milk Chocolate Bar 100g', '牛奶巧克力 100克', 149],
      ['Dark Chocolate 70% 100g', '黑巧克力 70% 100克', 199],
      ['Chocolate Wafer Bar', '巧克力威化', 89],
      ['Gummy Bears 200g', '小熊软糖 200克', 169],
      ['Mint Chewing Gum', '薄荷口香糖', 99],
      ['Lollipop', '棒棒糖', 39],
      ['Digestive Biscuits 400g', '消化饼干 400克', 159],
      ['Chocolate Chip Cookies 200g', '巧克力曲奇 200克', 219],
      ['Sandwich Cookies 154g', '夹心饼干 154克', 129],
      ['Rice Crackers 150g', '米饼 150克', 149],
      ['Seaweed Snack 3-pack', '海苔 3包装', 199],
      ['Beef Jerky 100g', '牛肉干 100克', 499],
      ['Sweet Popcorn 100g', '爆米花 100克', 149],
      ['Pretzels 175g', '椒盐脆饼 175克', 169],
      ['Granola Bars 6-pack', '燕麦棒 6条装', 299],
      ['Dried Mango 100g', '芒果干 100克', 249],
      ['Raisins 250g', '葡萄干 250克', 199],
      ['Spicy Gluten Strips 100g', '辣条 100克', 99],
      ['Prawn Crackers 80g', '虾条 80克', 109],
      ['Marshmallows 200g', '棉花糖 200克', 149],
      ['Peanut Brittle 200g', '花生糖 200克', 199],
      ['Egg Roll Biscuits 200g', '蛋卷 200克', 249],
    ],
  },
  {
    key: 'frozen',
    en: 'Frozen',
    zh: '冷冻食品',
    sku: 'FRZ',
    company: '6921987',
    tax: 'reduced',
    costShare: 0.6,
    items: [
      ['Pork & Cabbage Dumplings 1kg', '猪肉白菜水饺 1公斤', 699],
      ['Shrimp Wontons 500g', '鲜虾馄饨 500克', 599],
      ['Sweet Rice Balls 500g', '汤圆 500克', 349],
      ['Garden Peas 1kg', '冷冻豌豆 1公斤', 199],
      ['Mixed Vegetables 1kg', '什锦蔬菜 1公斤', 229],
      ['Oven Chips 1kg', '冷冻薯条 1公斤', 249],
      ['Margherita Pizza', '玛格丽特披萨', 399],
      ['Pepperoni Pizza', '意式辣香肠披萨', 449],
      ['Fish Fingers 10-pack', '鳕鱼条 10条装', 299],
      ['Chicken Nuggets 500g', '鸡块 500克', 399],
      ['Vanilla Ice Cream 1L', '香草冰淇淋 1升', 399],
      ['Chocolate Ice Cream Cones 4-pack', '巧克力甜筒 4支装', 349],
      ['Ice Lollies 6-pack', '冰棍 6支装', 249],
      ['Peeled Prawns 400g', '冷冻虾仁 400克', 799],
      ['Salmon Fillets 2-pack', '冷冻三文鱼柳 2块装', 699],
      ['Steamed Pork Buns 6-pack', '猪肉包子 6个装', 399],
      ['Scallion Pancakes 5-pack', '葱油饼 5片装', 299],
      ['Mixed Berries 500g', '冷冻混合莓果 500克', 399],
      ['Ice Cubes 2kg', '冰块 2公斤', 149],
      ['Mochi Ice Cream 6-pack', '麻薯冰淇淋 6个装', 449],
    ],
  },
  {
    key: 'pantry',
    en: 'Pantry',
    zh: '粮油调味',
    sku: 'PAN',
    company: '6948765',
    tax: 'reduced',
    costShare: 0.65,
    items: [
      ['Jasmine Rice 5kg', '茉莉香米 5公斤', 1299],
      ['Basmati Rice 1kg', '印度香米 1公斤', 349],
      ['Northeast Rice 2.5kg', '东北大米 2.5公斤', 799],
      ['Spaghetti 500g', '意大利面 500克', 129],
      ['Penne 500g', '通心粉 500克', 129],
      ['Egg Noodles 500g', '鸡蛋面 500克', 179],
      ['Instant Noodles 5-pack', '方便面 5包装', 349],
      ['Rice Vermicelli 400g', '米粉 400克', 199],
      ['Plain Flour 1kg', '中筋面粉 1公斤', 149],
      ['White Sugar 1kg', '白砂糖 1公斤', 169],
      ['Sea Salt 500g', '海盐 500克', 99],
      ['Sunflower Oil 1L', '葵花籽油 1升', 299],
      ['Peanut Oil 1.8L', '花生油 1.8升', 899],
      ['Extra Virgin Olive Oil 500ml', '特级初榨橄榄油 500毫升', 699],
      ['Light Soy Sauce 500ml', '生抽 500毫升', 199],
      ['Dark Soy Sauce 500ml', '老抽 500毫升', 219],
      ['Oyster Sauce 510g', '蚝油 510克', 249],
      ['Rice Vinegar 500ml', '米醋 500毫升', 149],
      ['Chinkiang Black Vinegar 500ml', '镇江香醋 500毫升', 189],
      ['Toasted Sesame Oil 250ml', '芝麻香油 250毫升', 299],
      ['Crispy Chilli Oil 210g', '辣椒油 210克', 249],
      ['Tomato Ketchup 500g', '番茄酱 500克', 199],
      ['Mayonnaise 400g', '蛋黄酱 400克', 249],
      ['Peanut Butter 340g', '花生酱 340克', 299],
      ['Strawberry Jam 340g', '草莓酱 340克', 249],
      ['Honey 500g', '蜂蜜 500克', 599],
      ['Chopped Tomatoes 400g', '番茄块罐头 400克', 89],
      ['Baked Beans 415g', '茄汁焗豆 415克', 99],
      ['Tuna Chunks 185g', '金枪鱼罐头 185克', 179],
      ['Sweetcorn 340g', '甜玉米粒罐头 340克', 119],
      ['Chicken Stock Cubes 10-pack', '鸡汤块 10块装', 149],
      ['Ground Black Pepper 50g', '黑胡椒粉 50克', 199],
      ['Five-Spice Powder 50g', '五香粉 50克', 129],
      ['Rolled Oats 1kg', '燕麦片 1公斤', 249],
      ['Cornflakes 500g', '玉米片 500克', 299],
      ['Red Beans 500g', '红豆 500克', 199],
    ],
  },
  {
    key: 'tea',
    en: 'Tea & Coffee',
    zh: '茶叶咖啡',
    sku: 'TEA',
    company: '6971555',
    tax: 'reduced',
    costShare: 0.55,
    items: [
      ['English Breakfast Tea 80 Bags', '英式早餐红茶 80包', 349],
      ['Earl Grey Tea 50 Bags', '伯爵红茶 50包', 299],
      ['Green Tea 100g', '绿茶 100克', 499],
      ['West Lake Longjing Tea 100g', '西湖龙井 100克', 1999],
      ['Tieguanyin Oolong 100g', '铁观音 100克', 1299],
      ['Pu-erh Tea Cake 357g', '普洱茶饼 357克', 2599],
      ['Jasmine Tea 100g', '茉莉花茶 100克', 599],
      ['Chamomile Tea 20 Bags', '洋甘菊茶 20包', 249],
      ['Peppermint Tea 20 Bags', '薄荷茶 20包', 229],
      ['Ground Coffee 250g', '研磨咖啡粉 250克', 499],
      ['Coffee Beans 1kg', '咖啡豆 1公斤', 1699],
      ['Instant Coffee 100g', '速溶咖啡 100克', 549],
      ['3-in-1 Coffee Mix 10 Sachets', '三合一咖啡 10条装', 299],
      ['Coffee Capsules 10-pack', '咖啡胶囊 10粒装', 399],
      ['Decaf Instant Coffee 100g', '低因速溶咖啡 100克', 599],
      ['Hot Chocolate 400g', '热巧克力粉 400克', 349],
      ['Matcha Powder 50g', '抹茶粉 50克', 699],
      ['Chrysanthemum Tea 50g', '菊花茶 50克', 399],
    ],
  },
  {
    key: 'alcohol',
    en: 'Beer, Wine & Spirits',
    zh: '酒类',
    sku: 'ALC',
    company: '6902345',
    tax: 'standard',
    costShare: 0.65,
    items: [
      ['Lager 330ml Bottle', '拉格啤酒 330毫升', 149],
      ['Lager 6 x 330ml Bottles', '拉格啤酒 6瓶装', 799],
      ['Pale Ale 500ml', '淡色艾尔啤酒 500毫升', 249],
      ['Stout 440ml Can', '黑啤酒 440毫升罐装', 229],
      ['Wheat Beer 500ml', '小麦啤酒 500毫升', 229],
      ['Pilsner 500ml Can', '皮尔森啤酒 500毫升罐装', 179],
      ['Dry Cider 500ml', '苹果酒 500毫升', 229],
      ['Cabernet Sauvignon 750ml', '赤霞珠干红葡萄酒 750毫升', 899],
      ['Merlot 750ml', '梅洛干红葡萄酒 750毫升', 849],
      ['Sauvignon Blanc 750ml', '长相思干白葡萄酒 750毫升', 899],
      ['Chardonnay 750ml', '霞多丽干白葡萄酒 750毫升', 949],
      ['Rosé Wine 750ml', '桃红葡萄酒 750毫升', 799],
      ['Prosecco 750ml', '普罗赛克起泡酒 750毫升', 1099],
      ['Baijiu 500ml', '浓香型白酒 500毫升', 2999],
      ['Shaoxing Rice Wine 500ml', '绍兴黄酒 500毫升', 399],
      ['Plum Wine 720ml', '梅酒 720毫升', 1499],
      ['Sake 720ml', '清酒 720毫升', 1699],
      ['Vodka 700ml', '伏特加 700毫升', 1899],
      ['Scotch Whisky 700ml', '苏格兰威士忌 700毫升', 2899],
      ['London Dry Gin 700ml', '金酒 700毫升', 2299],
    ],
  },
  {
    key: 'household',
    en: 'Household',
    zh: '家居清洁',
    sku: 'HOU',
    company: '6910123',
    tax: 'standard',
    costShare: 0.55,
    items: [
      ['Toilet Paper 9 Rolls', '卫生纸 9卷装', 499],
      ['Kitchen Towels 2 Rolls', '厨房纸巾 2卷装', 259],
      ['Facial Tissues 3-pack', '抽纸 3包装', 349],
      ['Pocket Tissues 10-pack', '手帕纸 10包装', 199],
      ['Washing-Up Liquid 500ml', '洗洁精 500毫升', 169],
      ['Laundry Liquid 2L', '洗衣液 2升', 899],
      ['Laundry Pods 30-pack', '洗衣凝珠 30颗装', 999],
      ['Fabric Softener 1L', '衣物柔顺剂 1升', 399],
      ['Thick Bleach 1L', '漂白水 1升', 129],
      ['Multi-Surface Cleaner 750ml', '多用途清洁剂 750毫升', 249],
      ['Glass Cleaner 500ml', '玻璃清洁剂 500毫升', 229],
      ['Toilet Cleaner 750ml', '洁厕液 750毫升', 199],
      ['Bin Bags 20-pack', '垃圾袋 20只装', 249],
      ['Scouring Sponges 5-pack', '海绵百洁布 5片装', 149],
      ['Aluminium Foil 10m', '铝箔纸 10米', 229],
      ['Cling Film 30m', '保鲜膜 30米', 199],
      ['Freezer Bags 50-pack', '保鲜袋 50只装', 179],
      ['AA Batteries 4-pack', '五号电池 4节装', 399],
      ['AAA Batteries 4-pack', '七号电池 4节装', 399],
      ['LED Light Bulb E27', 'LED灯泡 E27', 399],
      ['Tealight Candles 6-pack', '蜡烛 6支装', 249],
      ['Safety Matches', '火柴', 49],
      ['Disposable Chopsticks 50 Pairs', '一次性筷子 50双', 199],
      ['Paper Cups 50-pack', '纸杯 50只装', 249],
    ],
  },
  {
    key: 'personal',
    en: 'Personal Care',
    zh: '个人护理',
    sku: 'PER',
    company: '6903148',
    tax: 'standard',
    costShare: 0.5,
    items: [
      ['Toothpaste 120g', '牙膏 120克', 249],
      ['Toothbrush (Medium)', '中毛牙刷', 199],
      ['Mouthwash 500ml', '漱口水 500毫升', 399],
      ['Dental Floss 50m', '牙线 50米', 229],
      ['Shampoo 400ml', '洗发水 400毫升', 499],
      ['Conditioner 400ml', '护发素 400毫升', 499],
      ['Shower Gel 500ml', '沐浴露 500毫升', 399],
      ['Bar Soap 3-pack', '香皂 3块装', 249],
      ['Hand Wash 300ml', '洗手液 300毫升', 229],
      ['Hand Sanitiser 100ml', '免洗洗手液 100毫升', 199],
      ['Antiperspirant Spray 150ml', '止汗喷雾 150毫升', 349],
      ['Body Lotion 400ml', '身体乳 400毫升', 599],
      ['Hand Cream 75ml', '护手霜 75毫升', 299],
      ['Sun Cream SPF50 100ml', '防晒霜 SPF50 100毫升', 899],
      ['Lip Balm', '润唇膏', 249],
      ['Disposable Razors 5-pack', '一次性剃须刀 5支装', 399],
      ['Shaving Foam 200ml', '剃须泡沫 200毫升', 299],
      ['Cotton Pads 100-pack', '化妆棉 100片', 199],
      ['Cotton Buds 200-pack', '棉签 200支', 149],
      ['Sanitary Pads 10-pack', '卫生巾 10片装', 349],
      ['Wet Wipes 80-pack', '湿巾 80抽', 249],
      ['Plasters 20-pack', '创可贴 20片装', 199],
      ['Face Masks 10-pack', '一次性口罩 10只装', 299],
      ['Nail Clippers', '指甲刀', 299],
    ],
  },
  {
    key: 'stationery',
    en: 'Stationery',
    zh: '文具',
    sku: 'STA',
    company: '6935678',
    tax: 'standard',
    costShare: 0.45,
    items: [
      ['Highlighter (Yellow)', '黄色荧光笔', 149, { barcode: '4006381333931' }],
      ['Ballpoint Pens 10-pack', '圆珠笔 10支装', 299],
      ['Gel Pen (Black)', '黑色中性笔', 99],
      ['HB Pencils 12-pack', 'HB铅笔 12支装', 249],
      ['Eraser', '橡皮擦', 49],
      ['Pencil Sharpener', '卷笔刀', 79],
      ['A4 Notebook 80 Pages', 'A4笔记本 80页', 249],
      ['A5 Notebook 60 Pages', 'A5笔记本 60页', 149],
      ['Sticky Notes 76mm', '便利贴 76毫米', 129],
      ['Clear Tape 18mm', '透明胶带 18毫米', 99],
      ['Glue Stick 21g', '固体胶 21克', 129],
      ['Scissors', '剪刀', 299],
      ['A4 Copy Paper 500 Sheets', 'A4复印纸 500张', 599],
      ['C5 Envelopes 20-pack', 'C5信封 20个装', 249],
      ['Permanent Marker (Black)', '黑色记号笔', 129],
      ['Ruler 30cm', '直尺 30厘米', 89],
    ],
  },
];

/** Second barcodes (a re-labelled pack, a multi-buy wrapper) come from another made-up company. */
const SECOND_BARCODE_COMPANY = '6989999';
/** Every n-th counted product also carries a second barcode. */
const SECOND_BARCODE_EVERY = 29;

/** mulberry32: a tiny seeded PRNG, so costs and stock are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ean13(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error(`not 12 digits: ${first12}`);
  return first12 + String(ean13CheckDigit(first12));
}

export function buildCatalog(seed = 20250101): DemoCatalog {
  const random = prng(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const products: DemoProduct[] = [];
  let pluNext = 1;
  let eachCount = 0;
  for (const [ci, cat] of CATEGORIES.entries()) {
    // Deli PLUs start at 101 so a scale's item list groups them apart from produce.
    if (cat.key === 'deli') pluNext = 101;
    cat.items.forEach(([en, zh, price, opts], i) => {
      const serial = String(i + 1).padStart(5, '0');
      const weighed = opts?.kg === true;
      // Costs vary a few points around the category's typical share, and always leave a margin.
      const share = cat.costShare + (random() - 0.5) * 0.1;
      const cost = Math.max(1, Math.min(price - 1, Math.round(price * share)));
      const stock = weighed ? between(5, 60) * 1000 + between(0, 99) * 10 : between(10, 200) * 1000;
      const barcodes: string[] = [];
      if (!weighed) {
        eachCount++;
        barcodes.push(opts?.barcode ?? ean13(cat.company + serial));
        if (eachCount % SECOND_BARCODE_EVERY === 0)
          barcodes.push(ean13(SECOND_BARCODE_COMPANY + String(ci).padStart(2, '0') + serial.slice(2)));
      }
      products.push({
        sku: `${cat.sku}-${String(i + 1).padStart(4, '0')}`,
        en,
        zh,
        category: cat.key,
        unit: weighed ? 'kg' : 'each',
        price,
        cost,
        tax: cat.tax,
        barcodes,
        plu: weighed ? String(pluNext++).padStart(5, '0') : null,
        stock,
      });
    });
  }
  return {
    categories: CATEGORIES.map(({ key, en, zh }) => ({ key, en, zh })),
    products,
  };
}

/** One record per line: readable, and a change to one product is a one-line diff. */
export function renderCatalog(catalog: DemoCatalog): string {
  const rows = (items: unknown[]) => items.map((x) => '    ' + JSON.stringify(x)).join(',\n');
  return `{\n  "categories": [\n${rows(catalog.categories)}\n  ],\n  "products": [\n${rows(catalog.products)}\n  ]\n}\n`;
}

export const CATALOG_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'demo', 'catalog.json');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const catalog = buildCatalog();
  mkdirSync(dirname(CATALOG_PATH), { recursive: true });
  writeFileSync(CATALOG_PATH, renderCatalog(catalog));
  const weighed = catalog.products.filter((p) => p.unit === 'kg').length;
  console.log(
    `Wrote ${catalog.products.length} products (${weighed} weighed) in ${catalog.categories.length} categories to ${CATALOG_PATH}`,
  );
}
